-- A "finance" staff role that can be given alone: payouts and the tax reports
-- without the rest of a state admin's powers. SQLite cannot alter a CHECK
-- constraint, so the table is rebuilt with its rows, ids and index.

CREATE TABLE staff_roles_new (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL CHECK (role IN ('district_officer', 'state_admin', 'outlet_operator', 'finance')),
    -- The district an officer serves; NULL for the other roles.
    district_id INTEGER REFERENCES districts (id),
    granted_by  INTEGER REFERENCES users (id),
    granted_at  INTEGER NOT NULL,
    CHECK ((role = 'district_officer') = (district_id IS NOT NULL))
);

INSERT INTO staff_roles_new (id, user_id, role, district_id, granted_by, granted_at)
    SELECT id, user_id, role, district_id, granted_by, granted_at FROM staff_roles;

DROP TABLE staff_roles;
ALTER TABLE staff_roles_new RENAME TO staff_roles;

CREATE UNIQUE INDEX staff_roles_unique ON staff_roles (user_id, role, COALESCE(district_id, 0));
