-- Budget rollouts in waves. Every step is written before its command is sent, with the request id it is sent with,
-- so a controller that restarts resumes: a step answered is never sent again, a step sent but not answered is sent
-- again with the same request id (the gateway runs a request id once).
CREATE TABLE rollout (
    id                      VARCHAR(64) PRIMARY KEY,
    budget                  VARCHAR(1000) NOT NULL,
    state                   VARCHAR(16) NOT NULL,
    reason                  VARCHAR(2000),
    abort_requested         BOOLEAN NOT NULL DEFAULT FALSE,
    canary                  INT NOT NULL,
    wave_size               INT NOT NULL,
    wave_pause_millis       BIGINT NOT NULL,
    health_wait_millis      BIGINT NOT NULL,
    max_bad_share           DOUBLE PRECISION NOT NULL,
    command_timeout_millis  BIGINT NOT NULL,
    created_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at              TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE rollout_step (
    rollout_id             VARCHAR(64) NOT NULL,
    gateway_id             VARCHAR(64) NOT NULL,
    wave                   INT NOT NULL,
    previous_budget        VARCHAR(1000),
    baseline_p99           DOUBLE PRECISION,
    baseline_failure_rate  DOUBLE PRECISION,
    apply_request_id       VARCHAR(64) NOT NULL,
    apply_state            VARCHAR(16) NOT NULL,
    apply_detail           VARCHAR(1000),
    applied_at             TIMESTAMP WITH TIME ZONE,
    health                 VARCHAR(16),
    health_detail          VARCHAR(1000),
    rollback_request_id    VARCHAR(64) NOT NULL,
    rollback_state         VARCHAR(16) NOT NULL,
    PRIMARY KEY (rollout_id, gateway_id)
);
