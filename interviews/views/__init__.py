"""Loop builder screens.

loops.py: loops, competencies, publishing; stages.py: stages and their questions.
"""
