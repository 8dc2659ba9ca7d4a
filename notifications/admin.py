# Notifications are not in the Django admin: a receipt notification names a sealed
# bid and its team, which nobody but the team may know before the deadline.
