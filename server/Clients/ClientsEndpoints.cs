using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;
using Relay.Hosting.OpenApi;
using Relay.Server.Credentials;
using Relay.Server.Database;
using Relay.Server.Http;
using Relay.Server.Outbox;

namespace Relay.Server.Clients;

internal static class ClientsEndpoints
{
    private const string Columns = $"""
        c.id AS Id, c.name AS Name, c.host AS Host, c.port AS Port, {ClientStates.Expression} AS State, c.last_contact_at AS LastContactAt, c.last_error AS LastError, c.unreachable_since AS UnreachableSince,
        {ClientQueue.PendingCount} AS PendingMessages,
        {ClientQueue.OldestPendingAt} AS OldestPendingAt,
        {ClientSorts.FailedCount} AS FailedMessages,
        CASE WHEN c.lease_expires_at > UTC_TIMESTAMP(6) THEN c.lease_owner END AS ServedBy,
        c.credential_generation AS CredentialGeneration, c.previous_credential_until AS PreviousCredentialValidUntil, c.credential_in_use AS CredentialInUse,
        c.ahead_position AS AheadOfServer, c.ahead_since AS AheadSince,
        c.applied_position AS Position, c.applied_position_at AS PositionReportedAt
        """;

    private static readonly RequestExample Example = RequestExample.Json(
        new ClientRequest("site-a-door", "10.0.0.21", 5001)
    );

    public static void MapClients(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/clients").WithTags("Clients");
        group
            .MapGet("/", List)
            .WithName("ListClients")
            .RequireAuthorization(ApiKeyPolicies.Status)
            .WithSummary("List registered clients, by id or worst first; filter by state or by a part of the name.");
        group
            .MapGet("/states", CountStates)
            .WithName("CountClientStates")
            .RequireAuthorization(ApiKeyPolicies.Status)
            .WithSummary(
                "How many clients are unreachable, have failed messages, are behind or are up to date: the fleet at a glance."
            );
        group
            .MapPost("/", Create)
            .WithName("CreateClient")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("Register a client daemon.")
            .WithRequestExamples(Example)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group
            .MapGet("/{id}", Get)
            .WithName("GetClient")
            .RequireAuthorization(ApiKeyPolicies.Status)
            .WithSummary("Get one client.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group
            .MapPut("/{id}", Update)
            .WithName("UpdateClient")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("Change a client's name or address.")
            .WithRequestExamples(Example)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group
            .MapDelete("/{id}", Delete)
            .WithName("DeleteClient")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("Unregister a client; its pending messages are dropped.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<ClientPage>, ValidationProblem>> List(
        MySqlDataSource db,
        [AsParameters] ClientListQuery query,
        [AsParameters] PageQuery page,
        [Description(ClientSorts.AfterText)] string? after,
        CancellationToken ct
    )
    {
        // What the attributes cannot say: which cursor continues which sort.
        var (state, name, sort) = (query.State, query.Name, query.Sort);
        sort ??= ClientSorts.Id;
        object cursorKey = page.After;
        var keyId = page.After;
        if (page.AfterId is not null && (after is not null || sort != ClientSorts.Id))
        {
            return CursorProblem(
                "afterId",
                "afterId continues the list in id order only: in another sort, continue with after (the page's nextAfter)."
            );
        }

        if (after is not null && !ClientSorts.TryReadCursor(sort, after, out cursorKey, out keyId))
        {
            return CursorProblem(
                "after",
                $"after is not a cursor of this list sorted by {sort}: pass the nextAfter of the page before, with the same sort."
            );
        }

        var take = page.Take;

        // The page's ids first, by the key alone; the listed columns then for those clients only.
        // A counted key is computed once per client and compared by its alias.
        var key = ClientSorts.KeySql(sort);
        var (where, having) = ClientSorts.IsCounted(sort) ? ("TRUE", Continues("k")) : (Continues(key), "TRUE");
        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (
            await connection.QueryAsync<ClientResponse>(
                new CommandDefinition(
                    $"""
                    SELECT {Columns} FROM (
                      SELECT c.id, {key} AS k FROM clients c
                      WHERE (@name IS NULL OR LOCATE(LOWER(@name), LOWER(c.name)) > 0)
                        AND (@state IS NULL OR {ClientStates.Expression} = @state)
                        AND {where}
                      HAVING {having}
                      ORDER BY k, c.id LIMIT @take
                    ) page JOIN clients c ON c.id = page.id
                    ORDER BY page.k, c.id
                    """,
                    new
                    {
                        first = after is null && page.AfterId is null,
                        key = cursorKey,
                        keyId,
                        take,
                        name = string.IsNullOrEmpty(name) ? null : name,
                        state,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
        var last = items.Count == take ? items[^1] : null;
        return TypedResults.Ok(
            new ClientPage(
                items,
                sort == ClientSorts.Id ? last?.Id : null,
                last is null ? null : ClientSorts.CursorAfter(sort, last)
            )
        );
    }

    private static ValidationProblem CursorProblem(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static string Continues(string key) => $"(@first OR {key} > @key OR ({key} = @key AND c.id > @keyId))";

    private static async Task<Ok<ClientStateCounts>> CountStates(MySqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var counts = (
            await connection.QueryAsync<(string State, long Count)>(
                new CommandDefinition(
                    $"SELECT {ClientStates.Expression} AS State, COUNT(*) AS Count FROM clients c GROUP BY State",
                    cancellationToken: ct
                )
            )
        ).ToDictionary(r => r.State, r => r.Count);
        long Of(string state) => counts.GetValueOrDefault(state);
        return TypedResults.Ok(
            new ClientStateCounts(
                counts.Values.Sum(),
                Of(ClientStates.Unreachable),
                Of(ClientStates.Failed),
                Of(ClientStates.Behind),
                Of(ClientStates.UpToDate)
            )
        );
    }

    private static async Task<Results<Ok<ClientResponse>, ProblemHttpResult>> Get(
        MySqlDataSource db,
        [Description("The client's id."), PositiveId] long id,
        CancellationToken ct
    )
    {
        var client = await FindAsync(db, id, ct);
        return client is null ? Problems.NotFound("Client", id) : TypedResults.Ok(client);
    }

    private static async Task<Results<Created<ClientResponse>, ProblemHttpResult>> Create(
        TimeProvider time,
        OutboxSignal signal,
        OutboxWriter outbox,
        ClientCredentials credentials,
        ClientRequest request,
        CancellationToken ct
    )
    {
        try
        {
            var id = await outbox.WriteAsync(
                OutboxTargets.None,
                async unit =>
                {
                    // A new client starts past every broadcast committed before it: the counter orders
                    // its registration with the operations queued meanwhile, on any node of a cluster.
                    var position = await unit.TakePositionAsync();
                    return await unit.Connection.InsertAndGetIdAsync(
                        "INSERT INTO clients (name, host, port, created_at, broadcast_position) VALUES (@Name, @Host, @Port, @now, @position)",
                        new
                        {
                            request.Name,
                            request.Host,
                            request.Port,
                            now = time.GetUtcNow().UtcDateTime,
                            position,
                        },
                        unit.Transaction,
                        ct
                    );
                },
                ct
            );
            signal.NotifyClientsChanged();
            var credential = await credentials.CurrentAsync(id, ct);
            var created = new ClientResponse(
                id,
                request.Name!,
                request.Host!,
                request.Port!.Value,
                ClientState.UpToDate,
                null,
                null,
                null,
                0,
                null,
                0,
                null,
                credential!.Generation,
                null,
                null,
                null,
                null,
                null,
                null
            )
            {
                Credential = credential.Encode(),
            };
            return TypedResults.Created($"/clients/{id}", created);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return EndpointTaken(request);
        }
    }

    private static async Task<Results<Ok<ClientResponse>, ProblemHttpResult>> Update(
        MySqlDataSource db,
        OutboxSignal signal,
        [Description("The client's id."), PositiveId] long id,
        ClientRequest request,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        try
        {
            // Rows found, not changed (MySqlConnector's default): the same values again still find the client.
            var found = await connection.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE clients SET name = @Name, host = @Host, port = @Port WHERE id = @id",
                    new
                    {
                        id,
                        request.Name,
                        request.Host,
                        request.Port,
                    },
                    cancellationToken: ct
                )
            );
            if (found == 0)
            {
                return Problems.NotFound("Client", id);
            }
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return EndpointTaken(request);
        }

        signal.NotifyClientsChanged();
        return TypedResults.Ok((await FindAsync(db, id, ct))!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        MySqlDataSource db,
        OutboxSignal signal,
        [Description("The client's id."), PositiveId] long id,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var deleted = await connection.ExecuteAsync(
            new CommandDefinition("DELETE FROM clients WHERE id = @id", new { id }, cancellationToken: ct)
        );
        if (deleted == 0)
        {
            return Problems.NotFound("Client", id);
        }

        signal.NotifyClientsChanged();
        return TypedResults.NoContent();
    }

    private static async Task<ClientResponse?> FindAsync(MySqlDataSource db, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ClientResponse>(
            new CommandDefinition(
                $"SELECT {Columns} FROM clients c WHERE c.id = @id",
                new { id },
                cancellationToken: ct
            )
        );
    }

    private static ProblemHttpResult EndpointTaken(ClientRequest request) =>
        Problems.Conflict(
            "Another client already uses this address.",
            $"A client is already registered at {request.Host}:{request.Port}.",
            "host",
            "port"
        );
}
