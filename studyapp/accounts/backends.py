"""Django's model backend, with the user every signed-in request loads read by a statement built
once (see `studyapp.rows`): the ORM spent longer compiling it than running it."""

from django.contrib.auth import backends, get_user_model

from studyapp.rows import Row

_USER = Row(get_user_model(), by=("id",))


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user = _USER.get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
