-- A "finance" staff role that can be given alone: payouts and the tax reports
-- without the rest of a state admin's powers.

ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check
    CHECK (role IN ('district_officer', 'state_admin', 'outlet_operator', 'finance'));
