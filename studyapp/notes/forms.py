from pathlib import PurePath

from django import forms
from django.conf import settings

from .paths import NOTE_SUFFIXES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleNoteFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        cleaned = [super(MultipleNoteFileField, self).clean(f, initial) for f in files if f]
        if not cleaned:
            raise forms.ValidationError("Choose at least one note file.")
        for upload in cleaned:
            if PurePath(upload.name).suffix.lower() not in NOTE_SUFFIXES:
                raise forms.ValidationError(f"{upload.name}: only .md, .markdown and .txt notes can be imported.")
            if upload.size > settings.NOTES_MAX_FILE_BYTES:
                raise forms.ValidationError(
                    f"{upload.name} is {upload.size:,} bytes; a note may be at most {settings.NOTES_MAX_FILE_BYTES:,}.")
        return cleaned


class UploadForm(forms.Form):
    files = MultipleNoteFileField(label="Note files", help_text="Markdown or text notes, up to 2 MiB each.")
