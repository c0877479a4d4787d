"""The systems compared with this project: each is a script that reads a folder of documents
and writes one record line per document in the project's prediction format."""
