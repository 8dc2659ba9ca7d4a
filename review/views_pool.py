"""Expert pool screens — being written (helper); placeholder until then."""

from django.http import Http404


def pool_list(request):
    raise Http404


def pool_import(request):
    raise Http404


def pool_export(request, fmt):
    raise Http404


def my_profile(request):
    raise Http404


def expert_detail(request, code):
    raise Http404
