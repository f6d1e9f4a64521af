-- The segment evaluation's indexes: the RFM thresholds group customers with orders by spend and by last order from
-- the index alone, and purchase rules read who bought a product or collection for a range of customers.
DROP INDEX "CustomerMetrics_shop_netSpend_idx";
CREATE INDEX "CustomerMetrics_shop_netSpend_orderCount_idx" ON "CustomerMetrics"("shop", "netSpend", "orderCount");

DROP INDEX "CustomerMetrics_shop_lastOrderAt_idx";
CREATE INDEX "CustomerMetrics_shop_lastOrderAt_orderCount_idx" ON "CustomerMetrics"("shop", "lastOrderAt", "orderCount");

DROP INDEX "CustomerPurchase_shop_kind_key_idx";
CREATE INDEX "CustomerPurchase_shop_kind_key_customerId_idx" ON "CustomerPurchase"("shop", "kind", "key", "customerId");
