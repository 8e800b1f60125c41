"""Django's database session store, with the read every signed-in request makes done by a
statement built once (see `studyapp.prepared`): the ORM spent longer compiling it than running it."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from studyapp.prepared import Prepared

_SESSION = Prepared(lambda key: Session.objects.filter(session_key=key), str)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        session = _SESSION.one(self.session_key)
        if session is None or session.expire_date <= timezone.now():
            # As the parent does for a key it does not know: the next save starts a new session.
            self._session_key = None
            return None
        return session
