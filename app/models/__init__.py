"""SQLModel tables, one module per part of the domain. Importing this registers them all."""

from app.models.agenda import AgendaTopic
from app.models.agreement import Actor, Agreement, AgreementRevision, AgreementStatus
from app.models.audit import AuditEntry
from app.models.auth import AuthSession, LoginThrottle
from app.models.board import Board, BoardUndo
from app.models.board_seen import BoardSeen
from app.models.caseload import CaseloadLink
from app.models.challenge import Challenge, ChallengeStatus, LifeArea
from app.models.consent import ConsentRecord, ConsentScope
from app.models.conversation import Message, Thread, ThreadRead
from app.models.erasure import ErasureRequest, ErasureStatus
from app.models.goal import Goal, GoalChallengeLink, ScaleKind, ScaleReading
from app.models.idempotency import IdempotentRequest
from app.models.intervention import (
    Intervention,
    InterventionGoalLink,
    MeaningfulnessRating,
    Wish,
)
from app.models.invitation import Invitation, InvitationKind
from app.models.network import NetworkLink
from app.models.notice import (
    CalendarFeed,
    Channel,
    Notice,
    NoticeAddress,
    NoticeKind,
    NoticeSettings,
    NoticeState,
    PushSubscription,
)
from app.models.oidc import OidcIdentity
from app.models.outcome import Meeting, Outcome, OutcomeStatus
from app.models.passkey import PasskeyCredential
from app.models.signin import PendingSignIn
from app.models.strength import Strength
from app.models.suggestion import PlanSuggestion, SuggestionKind, SuggestionStatus, TargetType
from app.models.totp import TotpSecret
from app.models.user import Role, User

__all__ = [
    "Actor",
    "AgendaTopic",
    "Agreement",
    "AgreementRevision",
    "AgreementStatus",
    "AuditEntry",
    "AuthSession",
    "Board",
    "BoardSeen",
    "BoardUndo",
    "CalendarFeed",
    "CaseloadLink",
    "Challenge",
    "ChallengeStatus",
    "Channel",
    "ConsentRecord",
    "ConsentScope",
    "ErasureRequest",
    "ErasureStatus",
    "Goal",
    "GoalChallengeLink",
    "IdempotentRequest",
    "Intervention",
    "InterventionGoalLink",
    "Invitation",
    "InvitationKind",
    "LifeArea",
    "LoginThrottle",
    "MeaningfulnessRating",
    "Meeting",
    "Message",
    "NetworkLink",
    "Notice",
    "NoticeAddress",
    "NoticeKind",
    "NoticeSettings",
    "NoticeState",
    "OidcIdentity",
    "Outcome",
    "OutcomeStatus",
    "PasskeyCredential",
    "PendingSignIn",
    "PlanSuggestion",
    "PushSubscription",
    "Role",
    "ScaleKind",
    "ScaleReading",
    "Strength",
    "SuggestionKind",
    "SuggestionStatus",
    "TargetType",
    "Thread",
    "ThreadRead",
    "TotpSecret",
    "User",
    "Wish",
]
