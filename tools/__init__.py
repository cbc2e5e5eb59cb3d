"""Plain Python of account_dunning: no models here; models/ and wizards/ import from it, never the other way."""

from . import amounts, desk, limitation, replay_state, security, segment_sql, settings, slice_clock, snapshot
