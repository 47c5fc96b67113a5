"""One server name per remote URL, decided inside the publishing write.

Reading "who uses this URL" and then inserting is a check before the write even inside a
snapshot transaction: two names publishing one URL read disjoint documents and would both
commit (write skew). So the publish also writes the URL's document in ``remote_url_claims``
(``_id`` = the URL): in a transaction, two such writers collide on that document and one is
re-run, then sees the other's claim; on a standalone server the insert-if-absent is the one
atomic step that decides.

A claim whose name no longer uses the URL (its versions were deleted or edited) is taken over.
On a standalone server a claim younger than ``fresh_for_us`` is honoured even though no version
uses it yet: its publish may still be on the way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from mcp_registry.shared.errors import Conflict
from mcp_registry.shared.storage.mongo.connection import Contention, Session
from mcp_registry.shared.storage.mongo.documents import Document
from mcp_registry.shared.storage.mongo.schema import REMOTE_CLAIMS


def claim_remote_urls(
    db: Database[Document],
    name: str,
    urls: Iterable[str],
    session: Session,
    *,
    users_of: Callable[[str, Session], list[str]],
    now_us: int,
    fresh_for_us: int,
) -> None:
    """Claim every URL of ``urls`` for ``name``, or raise Conflict naming the server using it.

    ``users_of(url, session)`` lists the names whose live versions use ``url`` (the
    ``remote_urls`` index). Contention when a concurrent writer changed a claim meanwhile.
    """
    claims = db[REMOTE_CLAIMS]
    for url in sorted(urls):
        owners = [owner for owner in users_of(url, session) if owner != name]
        if owners:
            raise Conflict(f"remote URL {url} is already used by server {owners[0]}")
        # Index: _id.
        claim = claims.find_one({"_id": url}, session=session)
        if claim is None:
            try:
                claims.insert_one({"_id": url, "name": name, "claimedAt": now_us}, session=session)
            except DuplicateKeyError:
                raise Contention from None
            continue
        if claim["name"] == name:
            continue
        if session is None and now_us - int(claim["claimedAt"]) < fresh_for_us:
            raise Conflict(f"remote URL {url} is already used by server {claim['name']}")
        taken = claims.update_one(
            {"_id": url, "name": claim["name"], "claimedAt": claim["claimedAt"]},
            {"$set": {"name": name, "claimedAt": now_us}},
            session=session,
        )
        if taken.matched_count != 1:
            raise Contention
