-- Scans remember the monitor that asked for them (NULL for one-off scans).
ALTER TABLE scans ADD COLUMN monitor_id BIGINT;
