from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class PagePagination(PageNumberPagination):
    """The web pages' pagination (``common.views.paginate``): 20 per page; a page
    number out of range or not a number gives the last or the first page, never an error."""

    page_size = 20

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = Paginator(queryset, self.page_size)
        self.page = paginator.get_page(request.query_params.get(self.page_query_param))
        return list(self.page)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page": self.page.number,
                "pages": self.page.paginator.num_pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        base["properties"]["page"] = {"type": "integer", "example": 1}
        base["properties"]["pages"] = {"type": "integer", "example": 3}
        base["required"] = ["count", "page", "pages", "next", "previous", "results"]
        return base
