-- Who or what ended a game day: the admin who finished it, or its time limit when nobody did
-- (observe::gameday::TIME_LIMIT), so a run left open never keeps its hidden fault on for good.
ALTER TABLE scenario_runs ADD COLUMN finished_by text;
