"""What candidates announces, for apps above it (scoring creates and moves scorecards).

Sent inside the service's transaction, so a receiver's failure undoes the change.
"""

from django.dispatch import Signal

# sender=Assignment, assignment=the new assignment
assignment_created = Signal()
# sender=Assignment, old=the replaced assignment, new=its replacement
assignment_replaced = Signal()
# sender=Candidate, candidate=the candidate being erased (still with their data): each app
# above erases its own free text about them (scoring: scorecard text; later, packets).
candidate_erasing = Signal()
# sender=Assignment, assignment=the assignment about to be deleted (still saved);
# a receiver refuses the removal by raising ValidationError
assignment_removed = Signal()
