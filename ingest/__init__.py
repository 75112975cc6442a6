"""Read articles from files and feeds, clean and chunk them, and index them incrementally."""
