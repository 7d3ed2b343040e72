using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;

namespace Relay.Server.Audit;

internal static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app) =>
        app.MapGet("/audit", List)
            .WithName("ListAudit")
            .WithTags("Audit")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary(
                "Calls that changed data, read personal data or were refused, newest first: when, which key and role, route, ids, status, rows read. Filter by key name and time (from inclusive, to exclusive)."
            );

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> List(
        MySqlDataSource db,
        [AsParameters] AuditQuery query,
        CancellationToken ct
    )
    {
        var (beforeId, key, from, to) = (query.BeforeId, query.Key, query.From, query.To);
        if (from is not null && to is not null && from >= to)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["from"] = ["from must be before to."] }
            );
        }

        var take = query.Take;
        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (
            await connection.QueryAsync<AuditEntry>(
                new CommandDefinition(
                    """
                    SELECT id AS Id, at AS At, key_name AS KeyName, role AS Role, method AS Method, route AS Route, target AS Target,
                      status AS Status, remote AS Remote, rows_read AS RowsRead, suppressed AS Suppressed
                    FROM audit_log
                    WHERE (@beforeId IS NULL OR id < @beforeId) AND (@key IS NULL OR key_name = @key)
                      AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
                    ORDER BY id DESC LIMIT @take
                    """,
                    new
                    {
                        beforeId,
                        key,
                        from = from?.UtcDateTime,
                        to = to?.UtcDateTime,
                        take,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
        return TypedResults.Ok(new AuditPage(items, items.Count == take ? items[^1].Id : null));
    }
}
