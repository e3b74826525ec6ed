"""Loop builder screens.

loops.py: loops, competencies, publishing; stages.py: stages and their questions;
suggestions.py: suggested and curated question sets for a stage.
"""
