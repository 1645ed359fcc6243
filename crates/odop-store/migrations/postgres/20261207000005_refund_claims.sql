-- A refund is claimed by one node before it goes to the gateway, so that
-- two nodes (or the webhook and the housekeeping loop) never send it twice.
-- A claim the gateway answered is replaced by the answer; a claim whose
-- answer never came (a timeout, a crash) stays, and the refund is not sent
-- again by itself: it may have been taken. The gateway's refund event
-- settles it (it carries the receipt naming the refund), or an admin
-- releases it after checking the gateway's dashboard.
ALTER TABLE refunds ADD COLUMN claimed_at BIGINT;

-- Staff sessions opened before staff needed a second factor end here, as
-- do the member sessions of people who are staff: staff powers now come
-- only with a session opened by password and second factor.
DELETE FROM sessions WHERE user_id IN (SELECT user_id FROM staff_roles);
