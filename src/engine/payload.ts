/**
 * The `github.event` payload of a local run: the fields of GitHub's webhook payloads that workflows
 * commonly read, filled from git. (`--event-file` can provide a complete payload instead.)
 */
import type { EventInfo } from "./types";

export function buildPayload(
  event: EventInfo,
  repository: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const [owner, name] = repository.split("/");
  const repo = { full_name: repository, name, owner: { login: owner }, default_branch: "main" };
  const sender = { login: event.actor };
  switch (event.name) {
    case "push":
      return {
        ref: event.ref,
        before: "0".repeat(40),
        after: event.sha,
        head_commit: { id: event.sha },
        repository: repo,
        sender,
        pusher: { name: event.actor },
      };
    case "pull_request":
    case "pull_request_target":
      return {
        action: event.action,
        number: 1,
        pull_request: {
          number: 1,
          head: { ref: event.headRef, sha: event.sha },
          base: { ref: event.baseRef },
        },
        repository: repo,
        sender,
      };
    case "workflow_dispatch":
      return { ref: event.ref, inputs, repository: repo, sender };
    default:
      return { repository: repo, sender };
  }
}
