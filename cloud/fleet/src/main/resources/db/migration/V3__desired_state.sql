-- Desired state per gateway: what deployments asked of it. One column per kind of state (the budget today; pins,
-- bundles and models get columns of their own), each a JSON object of only the fields a deployment set: a limit no
-- deployment set is the gateway's own business and never compared. Typed per kind, so each kind keeps its own
-- comparison rule and a migration or a query can address one kind; JSON within a kind, because its fields are the
-- protocol's own object (the budget verb's limits, already kept as JSON in gateway.budget).
--
-- revision grows with every change and is never reset (reconcile request ids are made from it, and a gateway answers
-- a request id once); applied_revision is the last revision the gateway confirmed (a reply, or a report equal to it).
-- status: IN_SYNC; PENDING (a deployment's change not confirmed yet: caught up when the gateway is online);
-- DRIFTED (confirmed once, changed on the gateway since: reported, reconciled only by an operator's reconcile);
-- UNKNOWN (no budget reported yet). difference says what differs, status_since since when, reported_at when the
-- gateway last reported its budget (a read when it came online, or a reply to anyone's budget command).
CREATE TABLE desired_state (
    gateway_id        VARCHAR(64) PRIMARY KEY,
    budget            VARCHAR(1000),
    revision          BIGINT NOT NULL,
    applied_revision  BIGINT NOT NULL,
    source            VARCHAR(200) NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    status            VARCHAR(16) NOT NULL,
    difference        VARCHAR(2000),
    status_since      TIMESTAMP WITH TIME ZONE NOT NULL,
    reported_at       TIMESTAMP WITH TIME ZONE
);
CREATE INDEX desired_state_status ON desired_state (status);

-- What a rollout step replaced in the desired state, so a rollback restores it (NULL: nothing was desired).
ALTER TABLE rollout_step ADD COLUMN previous_desired_budget VARCHAR(1000);

-- Reconcile steps: one budget command each, written PENDING before it is sent and SENT before it goes out, with the
-- request id <gateway>-reconcile-<revision>-<n>. A step SENT but unanswered when a controller stops is sent again by
-- the next with the same id (the gateway runs it once); an answered step is never sent again.
-- trigger_kind: CATCH_UP (the gateway came online with a deployment's change pending) or OPERATOR (reconcile command).
-- state: PENDING, SENT, OK, ERROR, TIMEOUT, SUPERSEDED (the desired state changed before it was sent).
CREATE TABLE reconcile_step (
    request_id    VARCHAR(128) PRIMARY KEY,
    gateway_id    VARCHAR(64) NOT NULL,
    revision      BIGINT NOT NULL,
    trigger_kind  VARCHAR(16) NOT NULL,
    budget        VARCHAR(1000) NOT NULL,
    state         VARCHAR(16) NOT NULL,
    detail        VARCHAR(1000),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX reconcile_step_gateway ON reconcile_step (gateway_id, revision);
CREATE INDEX reconcile_step_state ON reconcile_step (state);
