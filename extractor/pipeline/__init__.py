"""The extraction pipeline, one module per stage.

load -> chunk -> prompt -> (call: ``extractor.llm``) -> ground -> normalize -> merge -> write
"""
