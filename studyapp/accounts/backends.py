"""Django's model backend, with the user every signed-in request loads read by a statement built
once (see `studyapp.prepared`): the ORM spent longer compiling it than running it."""

from django.contrib.auth import backends, get_user_model

from studyapp.prepared import Prepared

_USER = Prepared(lambda pk: get_user_model()._default_manager.filter(pk=pk), int)


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user = _USER.one(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
