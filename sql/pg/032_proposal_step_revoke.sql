-- A proposal's history records the revocation of the decision that decided
-- it (the proposal is approved again): action 'revoke'.
ALTER TABLE proposal_steps DROP CONSTRAINT proposal_steps_action_check;
ALTER TABLE proposal_steps ADD CONSTRAINT proposal_steps_action_check
	CHECK (action IN ('submit', 'approve', 'return', 'reject', 'forward', 'decide', 'revoke'));
