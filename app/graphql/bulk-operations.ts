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

/** The fields of `BulkOperationFields`, appended to the documents that spread them. */
const BULK_OPERATION_FRAGMENT = `#graphql
  fragment CohortBulkOperationFields on BulkOperation {
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
`;

const RUN_BULK_QUERY_OPERATION = `#graphql
  mutation CohortRunBulkQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation {
        ...CohortBulkOperationFields
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const RUN_BULK_QUERY = (RUN_BULK_QUERY_OPERATION + BULK_OPERATION_FRAGMENT) as GraphqlOperation<
  { bulkOperationRunQuery: { bulkOperation: BulkOperationFields | null; userErrors: BulkUserError[] } | null },
  { query: string }
>;

const BULK_OPERATION_QUERY = `#graphql
  query CohortBulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      ...CohortBulkOperationFields
      query
    }
  }
`;

export const BULK_OPERATION = (BULK_OPERATION_QUERY + BULK_OPERATION_FRAGMENT) as GraphqlOperation<
  { bulkOperation: (BulkOperationFields & { query: string }) | null },
  { id: string }
>;

export const APP_ACCESS_SCOPES = `#graphql
  query CohortAppAccessScopes {
    currentAppInstallation {
      accessScopes {
        handle
      }
    }
  }
` as GraphqlOperation<{ currentAppInstallation: { accessScopes: Array<{ handle: string }> } }>;
