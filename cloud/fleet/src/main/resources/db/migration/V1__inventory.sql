-- The inventory: one row per gateway ever heard of, from its retained state, its telemetry and its budget.
-- Portable SQL (H2 2.x and PostgreSQL): JSON kept as text.
CREATE TABLE gateway (
    id                VARCHAR(64) PRIMARY KEY,
    online            BOOLEAN NOT NULL DEFAULT FALSE,
    state_since       TIMESTAMP WITH TIME ZONE,
    started_at        VARCHAR(40),
    model_id          VARCHAR(128),
    model_version     VARCHAR(64),
    backbone_id       VARCHAR(128),
    versions          VARCHAR(4000),
    slots             VARCHAR(20000),
    budget            VARCHAR(1000),
    serving_state     VARCHAR(16),
    configuration_id  VARCHAR(64),
    p50_millis        DOUBLE PRECISION,
    p99_millis        DOUBLE PRECISION,
    requests          BIGINT,
    failures          BIGINT,
    telemetry_at      TIMESTAMP WITH TIME ZONE,
    last_seen         TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE gateway_group (
    group_name  VARCHAR(64) NOT NULL,
    gateway_id  VARCHAR(64) NOT NULL,
    PRIMARY KEY (group_name, gateway_id)
);
