-- CreateTable
CREATE TABLE "SyncState" (
    "shop" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'idle',
    "bulkOperationId" TEXT,
    "bulkStatus" TEXT,
    "objectCount" INTEGER NOT NULL DEFAULT 0,
    "processedCount" INTEGER NOT NULL DEFAULT 0,
    "resumeLine" INTEGER NOT NULL DEFAULT 0,
    "watermark" DATETIME,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "lastError" TEXT,
    "limitedToDays" INTEGER,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "resource")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" TEXT NOT NULL,
    "downloadedAt" DATETIME
);

-- CreateTable
CREATE TABLE "SyncedCustomer" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "deletedAt" DATETIME,
    "state" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "emailMarketing" TEXT,
    "smsMarketing" TEXT,
    "countryCode" TEXT,
    "provinceCode" TEXT,
    "city" TEXT,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "CustomerTag" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("shop", "customerId", "tag")
);

-- CreateTable
CREATE TABLE "SyncedOrder" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "processedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "test" BOOLEAN NOT NULL,
    "currency" TEXT NOT NULL,
    "presentmentCurrency" TEXT NOT NULL,
    "totalPrice" BIGINT NOT NULL,
    "subtotalPrice" BIGINT NOT NULL,
    "totalDiscounts" BIGINT NOT NULL,
    "sourceName" TEXT,
    "financialStatus" TEXT,
    "countryCode" TEXT,
    "provinceCode" TEXT,
    "city" TEXT,

    PRIMARY KEY ("shop", "id")
);

-- CreateTable
CREATE TABLE "SyncedLineItem" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "productId" TEXT,
    "variantId" TEXT,
    "title" TEXT NOT NULL,
    "vendor" TEXT,
    "productType" TEXT,
    "quantity" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,

    PRIMARY KEY ("shop", "orderId", "id")
);

-- CreateTable
CREATE TABLE "SyncedLineItemCollection" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "collectionId" TEXT NOT NULL,

    PRIMARY KEY ("shop", "orderId", "lineItemId", "collectionId")
);

-- CreateTable
CREATE TABLE "SyncedRefund" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "amount" BIGINT NOT NULL,

    PRIMARY KEY ("shop", "orderId", "id")
);

-- CreateTable
CREATE TABLE "SyncedOrderDiscountCode" (
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "code" TEXT NOT NULL,

    PRIMARY KEY ("shop", "orderId", "code")
);

-- CreateTable
CREATE TABLE "CustomerMetrics" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderCount" INTEGER NOT NULL,
    "cancelledOrderCount" INTEGER NOT NULL,
    "netOrderCount" INTEGER NOT NULL,
    "grossSpend" BIGINT NOT NULL,
    "refundedAmount" BIGINT NOT NULL,
    "netSpend" BIGINT NOT NULL,
    "averageOrderValue" BIGINT NOT NULL,
    "firstOrderAt" DATETIME,
    "lastOrderAt" DATETIME,
    "refundCount" INTEGER NOT NULL,
    "discountCodeUseCount" INTEGER NOT NULL,
    "distinctDiscountCodeCount" INTEGER NOT NULL,
    "emailMarketing" TEXT,
    "smsMarketing" TEXT,
    "tags" TEXT NOT NULL,
    "countryCode" TEXT,
    "provinceCode" TEXT,
    "city" TEXT,

    PRIMARY KEY ("shop", "customerId")
);

-- CreateTable
CREATE TABLE "CustomerPurchase" (
    "shop" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "orderCount" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,
    "firstAt" DATETIME NOT NULL,
    "lastAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "customerId", "kind", "key")
);

-- CreateIndex
CREATE INDEX "DataRequest_shop_requestedAt_idx" ON "DataRequest"("shop", "requestedAt");

-- CreateIndex
CREATE INDEX "SyncedCustomer_shop_updatedAt_idx" ON "SyncedCustomer"("shop", "updatedAt");

-- CreateIndex
CREATE INDEX "CustomerTag_shop_tag_idx" ON "CustomerTag"("shop", "tag");

-- CreateIndex
CREATE INDEX "SyncedOrder_shop_customerId_idx" ON "SyncedOrder"("shop", "customerId");

-- CreateIndex
CREATE INDEX "SyncedOrder_shop_updatedAt_idx" ON "SyncedOrder"("shop", "updatedAt");

-- CreateIndex
CREATE INDEX "CustomerMetrics_shop_netSpend_idx" ON "CustomerMetrics"("shop", "netSpend");

-- CreateIndex
CREATE INDEX "CustomerMetrics_shop_orderCount_idx" ON "CustomerMetrics"("shop", "orderCount");

-- CreateIndex
CREATE INDEX "CustomerMetrics_shop_lastOrderAt_idx" ON "CustomerMetrics"("shop", "lastOrderAt");

-- CreateIndex
CREATE INDEX "CustomerPurchase_shop_kind_key_idx" ON "CustomerPurchase"("shop", "kind", "key");

