import type { GraphqlOperation } from "./operation.js";

/** What Cohort reads of a bulk operation; the same fields everywhere it is polled or started. */
export interface BulkOperationFields {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export const RUN_BULK_QUERY = `#graphql
  mutation CohortRunBulkQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation {
        id
        status
        errorCode
        objectCount
        rootObjectCount
        fileSize
        url
        partialDataUrl
        createdAt
        completedAt
      }
      userErrors {
        field
        message
        code
      }
    }
  }
` as GraphqlOperation<
  { bulkOperationRunQuery: { bulkOperation: BulkOperationFields | null; userErrors: BulkUserError[] } | null },
  { query: string }
>;

export const BULK_OPERATION = `#graphql
  query CohortBulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
      createdAt
      completedAt
      query
    }
  }
` as GraphqlOperation<{ bulkOperation: (BulkOperationFields & { query: string }) | null }, { id: string }>;

export const APP_ACCESS_SCOPES = `#graphql
  query CohortAppAccessScopes {
    currentAppInstallation {
      accessScopes {
        handle
      }
    }
  }
` as GraphqlOperation<{ currentAppInstallation: { accessScopes: Array<{ handle: string }> } }>;
