"""Calling the model: the instructor client, its HTTP transports (cache, retry, in-process
llama.cpp) and the response store."""
