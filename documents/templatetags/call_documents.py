"""``{% load call_documents %}{% call_notice_document call as notice %}``: the 发榜公告 of a
call for the call page (bounty's templates cannot ask the documents app otherwise: bounty
does not import documents). None for a call that is not public."""

from django import template

from documents.calls import call_notice

register = template.Library()


@register.simple_tag
def call_notice_document(call):
    return call_notice(call)
