from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from orders.models import OrderStatus, ReturnReason


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *OrderStatus.choices])
    date_from = forms.DateField(label=_("Placed from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Placed until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input; each is checked later by orders.photos."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class ReturnForm(forms.Form):
    """Quantities per item (``qty_<item id>``), a reason, a description and photos.

    ``items`` is a list of (OrderItem, returnable quantity); an item with nothing left to
    return gets no field at all, so no id outside the list can be submitted and accepted.
    """

    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnReason.choices,
                               widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What is wrong?"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. A few words help us decide faster."),
    )
    photos = MultipleImageField(
        label=_("Photos"), required=False,
        help_text=_("Up to 5 photos, JPEG, PNG or WebP. For damaged or wrong items, "
                    "photos of the item and the parcel speed things up."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.item_fields = []
        for item, returnable in items:
            if returnable <= 0:
                continue
            name = f"qty_{item.pk}"
            self.fields[name] = forms.IntegerField(
                label=item.name, min_value=0, max_value=returnable, initial=0, required=False,
                widget=forms.NumberInput(attrs={"data-price": str(item.unit_price),
                                                "class": "qty-input"}),
            )
            self.item_fields.append((item, returnable, name))

    def item_rows(self):
        for item, returnable, name in self.item_fields:
            yield item, returnable, self[name]

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > settings.RETURN_PHOTO_MAX_COUNT:
            raise forms.ValidationError(
                _("You can attach at most %(count)d photos.")
                % {"count": settings.RETURN_PHOTO_MAX_COUNT})
        return photos

    def quantities(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data.get(name) or 0
                for item, _returnable, name in self.item_fields}

    def clean(self):
        data = super().clean()
        if self.item_fields and not any(self.quantities().values()):
            self.add_error(None, _("Choose at least one item to return."))
        return data
