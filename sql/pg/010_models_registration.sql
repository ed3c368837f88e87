-- A registration's model count is read for every registration shown and for
-- every model written (the import of a file checks it per row): without this
-- index each read scanned all models, and a 100 000-row import was quadratic.
CREATE INDEX IF NOT EXISTS models_registration ON models (registration_id, active);
