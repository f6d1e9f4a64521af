import type { BulkOperationFields, BulkUserError } from "./bulk-operations.js";
import type { GraphqlOperation } from "./operation.js";

/**
 * The documents Cohort writes tags with: only `tagsAdd` / `tagsRemove` (never `customerUpdate(tags)`). The direct
 * path aliases several per request (app/shopify/tagging/aliased-tag-mutations.ts builds that document); the bulk
 * path runs one of the two mutations below over a staged JSONL of `{id, tags}` lines.
 */

export interface TagUserError {
  field: string[] | null;
  message: string;
}

export interface TagMutationResult {
  userErrors: TagUserError[];
}

/** The inner mutation of a bulk tag add; each JSONL line is `{"id": "gid://shopify/Customer/1", "tags": [...]}`. */
export const BULK_TAGS_ADD_MUTATION = `mutation CohortBulkTagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    userErrors {
      field
      message
    }
  }
}`;

export const BULK_TAGS_REMOVE_MUTATION = `mutation CohortBulkTagsRemove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) {
    userErrors {
      field
      message
    }
  }
}`;

export interface StagedUploadTarget {
  url: string;
  resourceUrl: string | null;
  parameters: Array<{ name: string; value: string }>;
}

export const STAGED_UPLOADS_CREATE = `#graphql
  mutation CohortStagedUploadsCreate($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets {
        url
        resourceUrl
        parameters {
          name
          value
        }
      }
      userErrors {
        field
        message
      }
    }
  }
` as GraphqlOperation<
  {
    stagedUploadsCreate: {
      stagedTargets: StagedUploadTarget[] | null;
      userErrors: TagUserError[];
    } | null;
  },
  {
    input: Array<{
      resource: "BULK_MUTATION_VARIABLES";
      filename: string;
      mimeType: string;
      httpMethod: "POST" | "PUT";
    }>;
  }
>;

const RUN_BULK_MUTATION_OPERATION = `#graphql
  mutation CohortRunBulkMutation($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {
    bulkOperationRunMutation(
      mutation: $mutation
      stagedUploadPath: $stagedUploadPath
      clientIdentifier: $clientIdentifier
    ) {
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
`;

export const RUN_BULK_MUTATION = RUN_BULK_MUTATION_OPERATION as GraphqlOperation<
  { bulkOperationRunMutation: { bulkOperation: BulkOperationFields | null; userErrors: BulkUserError[] } | null },
  { mutation: string; stagedUploadPath: string; clientIdentifier?: string | null }
>;
