"""Template filters for finding texts in the reader's language (``scheduling.texts``).

{% load findings %}{{ f|finding_message }} {{ f|finding_hint }}
"""

from django import template

from scheduling import texts

register = template.Library()
register.filter("finding_message", texts.finding_message)
register.filter("finding_hint", texts.finding_hint)
