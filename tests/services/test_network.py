"""The network service: who is in a citizen's network, and the membership check access rules use."""

from sqlmodel import Session

from app.network import service as network
from tests import factories


def test_members_are_listed_per_citizen_and_membership_is_checked(db: Session) -> None:
    anna = factories.citizen(db, name="Anna")
    bo = factories.citizen(db, name="Bo")
    assert anna.id is not None and bo.id is not None
    network.invite_member(session=db, citizen=anna, name="Mette", relation="søster")
    network.invite_member(session=db, citizen=anna, name="Carl", relation="ven")
    network.invite_member(session=db, citizen=bo, name="Dorte", relation="mor")
    members = network.network_members(session=db, citizen_id=anna.id)
    assert [(m.user.name, m.relation, m.joined) for m in members] == [
        ("Carl", "ven", False),
        ("Mette", "søster", False),
    ]
    mette = members[1].user
    assert mette.id is not None
    assert network.is_network_member(session=db, member_id=mette.id, citizen_id=anna.id)
    assert not network.is_network_member(session=db, member_id=mette.id, citizen_id=bo.id)
    assert network.remove_member(session=db, citizen_id=anna.id, member_id=mette.id)
    assert not network.is_network_member(session=db, member_id=mette.id, citizen_id=anna.id)
    assert [m.user.name for m in network.network_members(session=db, citizen_id=anna.id)] == ["Carl"]
