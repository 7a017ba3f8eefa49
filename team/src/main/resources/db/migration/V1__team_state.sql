-- cutover's team state, version 1: journals (append-only), the runs they index, leases with fencing
-- tokens, and approvals given from other machines. Applied by cutover itself (Flyway) on first use.

CREATE TABLE journal_events (
    run_id       text        NOT NULL,
    seq          bigint      NOT NULL CHECK (seq > 0),
    event        text        NOT NULL,
    time         timestamptz NOT NULL,
    prev         text        NOT NULL,
    hash         text        NOT NULL,
    line         text        NOT NULL,   -- the canonical journal line, byte for byte as in journal.jsonl
    token        bigint      NOT NULL,   -- the fencing token of the lease it was written under
    committed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, seq)
);

-- No gap, no fork: event N links to event N-1 of its run by hash, event 1 to the genesis hash.
CREATE FUNCTION journal_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_hash text;
BEGIN
    IF NEW.seq = 1 THEN
        IF NEW.prev <> repeat('0', 64) THEN
            RAISE EXCEPTION 'event 1 of run % must start a new chain', NEW.run_id;
        END IF;
        RETURN NEW;
    END IF;
    SELECT hash INTO last_hash FROM journal_events WHERE run_id = NEW.run_id AND seq = NEW.seq - 1;
    IF last_hash IS NULL THEN
        RAISE EXCEPTION 'event % of run % would leave a gap: event % is not in the store', NEW.seq, NEW.run_id, NEW.seq - 1;
    END IF;
    IF last_hash <> NEW.prev THEN
        RAISE EXCEPTION 'event % of run % does not link to event % (prev % <> %)', NEW.seq, NEW.run_id, NEW.seq - 1,
            NEW.prev, last_hash;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER journal_events_chain BEFORE INSERT ON journal_events
    FOR EACH ROW EXECUTE FUNCTION journal_events_chain();

-- The record cannot be rewritten through the store, whatever the grants say.
CREATE FUNCTION journal_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal rows are append-only: % refused', TG_OP;
END $$;

CREATE TRIGGER journal_events_no_update BEFORE UPDATE OR DELETE ON journal_events
    FOR EACH ROW EXECUTE FUNCTION journal_events_append_only();
CREATE TRIGGER journal_events_no_truncate BEFORE TRUNCATE ON journal_events
    FOR EACH STATEMENT EXECUTE FUNCTION journal_events_append_only();

-- One row per run, kept by a trigger from its events (operators need no grant on it).
CREATE TABLE runs (
    run_id      text        PRIMARY KEY,
    runbook     text,
    operator    text,
    os_user     text,
    host        text,
    environment text,
    ticket      text,
    rehearsal   boolean     NOT NULL DEFAULT false,
    started     timestamptz NOT NULL,
    last_seq    bigint      NOT NULL,
    last_time   timestamptz NOT NULL,
    finished    timestamptz,
    status      text        NOT NULL DEFAULT 'UNFINISHED'
);
CREATE INDEX runs_by_start ON runs (started DESC, run_id DESC);
CREATE INDEX runs_by_runbook ON runs (runbook, started DESC);
CREATE INDEX runs_by_status ON runs (status, started DESC);
CREATE INDEX runs_by_operator ON runs (operator, started DESC);

CREATE FUNCTION journal_events_index_run() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
DECLARE
    d jsonb := NEW.line::jsonb;
BEGIN
    IF NEW.seq = 1 THEN
        INSERT INTO runs (run_id, runbook, operator, os_user, host, environment, ticket, rehearsal, started, last_seq,
                          last_time)
        VALUES (NEW.run_id, d -> 'data' ->> 'runbook', d ->> 'operator', d -> 'data' ->> 'os_user',
                d -> 'data' ->> 'host', d -> 'data' ->> 'environment', d -> 'data' ->> 'ticket',
                coalesce((d -> 'data' ->> 'rehearsal')::boolean, false), NEW.time, 1, NEW.time)
        ON CONFLICT (run_id) DO NOTHING;
    ELSE
        UPDATE runs SET last_seq = NEW.seq, last_time = NEW.time,
                        status = CASE WHEN NEW.event = 'run.finished' THEN d -> 'data' ->> 'status' ELSE status END,
                        finished = CASE WHEN NEW.event = 'run.finished' THEN NEW.time ELSE finished END
         WHERE run_id = NEW.run_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER journal_events_index_run AFTER INSERT ON journal_events
    FOR EACH ROW EXECUTE FUNCTION journal_events_index_run();

-- Locks and the right to write a run's journal: one holder per key, a lease renewed by heartbeats, and a
-- fencing token that changes with every new holder.
CREATE SEQUENCE fencing_tokens;

CREATE TABLE leases (
    key         text        PRIMARY KEY,
    token       bigint      NOT NULL,
    run_id      text        NOT NULL,
    holder      text        NOT NULL,   -- JSON: run, operator, OS user, host, pid
    acquired_at timestamptz NOT NULL DEFAULT now(),
    renewed_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

-- Signed approvals given with 'cutover approve RUN --step ID' on any machine.
CREATE TABLE approvals (
    run_id      text        NOT NULL,
    step        text        NOT NULL,
    fingerprint text        NOT NULL,
    approver    text        NOT NULL,
    approval    text        NOT NULL,   -- the signed approval, canonical JSON
    given_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, step, fingerprint)
);
