"""Data: the Prompt2Sign split format, the packed cache, tokenizers, datasets and DataModules."""
