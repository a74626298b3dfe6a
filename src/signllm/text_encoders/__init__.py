"""The text side of the models, chosen by the ``text_encoder`` config group: trained from scratch (``scratch``)
or a pretrained multilingual language model from a local folder (``pretrained``): ``kinds.text_model(config)``.

``spec``: the settings; ``kinds``: what each kind builds; ``tokenizer``: a pretrained model's tokenizer as our
text tokenizer; ``memory_cache``: a frozen model's memory of the corpus, computed once. The plain nn.Modules
live in ``signllm.models.components.pretrained_*``.
"""

import signllm.models  # noqa: F401  (first: the modules here build its components, and its modules import ``kinds``)
