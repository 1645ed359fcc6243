-- Enrolled suppliers (CGST Notification 34/2023): sellers without GST who
-- hold an enrolment number from the GST portal, sell on their own within
-- UP, and give bills of supply. Applications gain the kind and the number.
ALTER TABLE seller_applications DROP CONSTRAINT seller_applications_seller_kind_check;
ALTER TABLE seller_applications ADD CONSTRAINT seller_applications_seller_kind_check
    CHECK (seller_kind IN ('vendor', 'sub-vendor', 'enrolled'));
ALTER TABLE seller_applications ADD COLUMN enrolment_number TEXT;
