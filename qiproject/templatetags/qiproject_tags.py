"""Template tags shared by every app's templates."""

from django import template

register = template.Library()
