"""Find the passages that answer a question and compose a cited answer.

Kept free of heavy imports so that `newsbot --help` starts fast; import submodules directly.
"""
