-- Fault switches flipped at run time (platform::faults): one row per switch flipped at least
-- once. Every process reads the rows that are on at most once a second, so a flip from the
-- console reaches the Lambdas and the projector alike.
CREATE TABLE fault_switches
(
    name       text PRIMARY KEY,
    enabled    boolean     NOT NULL,
    parameters jsonb       NOT NULL DEFAULT '{}',
    flipped_by text        NOT NULL,
    flipped_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Game days (the console's Scenarios page): a scenario flips a fault it does not name, the
-- learner investigates and answers which part broke; the run records the answer and its end.
CREATE TABLE scenario_runs
(
    run_id      uuid PRIMARY KEY,
    scenario    text        NOT NULL,
    started_by  text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    answer      text,
    correct     boolean,
    answered_at timestamptz,
    finished_at timestamptz
);
-- At most one game day at a time: its fault would hide another's.
CREATE UNIQUE INDEX scenario_runs_one_running ON scenario_runs ((true)) WHERE finished_at IS NULL;

-- Each start of a long-running service, as its supervisor (scripts/dev; ECS on AWS) tells it:
-- how many times it was restarted and how the last run ended, so a crash loop shows in the
-- console.
CREATE TABLE service_starts
(
    service        text        NOT NULL,
    started_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    restarts       integer,
    last_exit_code integer
);
CREATE INDEX service_starts_latest ON service_starts (service, started_at DESC);
