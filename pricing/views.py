"""The price book for anyone: the standard prices an owner sees before booking."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .serializers import PriceBookQuerySerializer, PriceBookSerializer


class PriceBookView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[PriceBookQuerySerializer],
        responses={200: PriceBookSerializer},
        description="Today's standard price of every active service type, in one currency "
        "(an outlet's `currency`), for one vehicle model where its price differs, and the "
        "standard labour rate per hour. Every outlet charges these prices. 400 "
        "`unknown_currency` for a currency the price book has no prices in.",
    )
    def get(self, request):
        query = PriceBookQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        model = query.validated_data.get("model")
        book = selectors.price_book(
            model_id=model.pk if model else None,
            currency=query.validated_data["currency"],
            on=timezone.localdate(),
        )
        return Response(PriceBookSerializer(book).data)
