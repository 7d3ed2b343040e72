using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Contracts.Protocol;
using Relay.Server.Database;

namespace Relay.Server.Credentials;

/// <summary>
/// Issues, rotates and checks clients' link credentials. Each is derived from the master key, the
/// client id, a generation and the client's salt (<see cref="LinkCredential.Derive"/>), so MySQL
/// holds nothing that opens a link, and a credential taken from one client is no use with another.
/// </summary>
internal sealed class ClientCredentials : IDisposable
{
    private const string RowColumns =
        "credential_generation AS Generation, credential_salt AS Salt, previous_credential_until AS PreviousUntil, credential_in_use AS InUse";

    private readonly MySqlDataSource _db;
    private readonly TimeProvider _time;
    private readonly byte[] _masterKey;

    // Thousands of connections open together when an instance starts or takes clients over: their
    // lookups and records share round trips, as acknowledgements do.
    private readonly CallGroups<long, CredentialRow?> _lookups;
    private readonly CallGroups<(long ClientId, int Generation), bool> _uses;

    public ClientCredentials(
        MySqlDataSource db,
        IOptions<CredentialOptions> options,
        ServerKeys serverKeys,
        TimeProvider time
    )
    {
        Keys = serverKeys;
        _db = db;
        _time = time;
        _masterKey = Encoding.UTF8.GetBytes(options.Value.MasterKey);
        _lookups = new CallGroups<long, CredentialRow?>(LookUpAsync, maxGroup: 1000, concurrency: 2);
        _uses = new CallGroups<(long, int), bool>(RecordUsesAsync, maxGroup: 500, concurrency: 1);
    }

    /// <summary>The server's signing key, and the public halves its credentials carry.</summary>
    public ServerKeys Keys { get; }

    /// <summary>The credential the client should hold now, or null when there is no such client.</summary>
    public async Task<LinkCredential?> CurrentAsync(long clientId, CancellationToken ct)
    {
        var row = await _lookups.CallAsync(clientId, ct);
        return row is null
            ? null
            : LinkCredential.Derive(_masterKey, clientId, row.Generation, row.Salt).WithServerKeys(Keys.Public);
    }

    /// <summary>
    /// Issues the next generation; the one before keeps working for <paramref name="overlap"/>, so
    /// the client can be given the new one without a gap. Null when there is no such client.
    /// </summary>
    public async Task<IssuedCredential?> RotateAsync(long clientId, TimeSpan overlap, CancellationToken ct)
    {
        var until = overlap > TimeSpan.Zero ? _time.GetUtcNow().UtcDateTime + overlap : (DateTime?)null;
        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(
            new CommandDefinition(
                "UPDATE clients SET credential_generation = credential_generation + 1, previous_credential_until = @until, credentials_changed_at = UTC_TIMESTAMP(6) WHERE id = @clientId",
                new { clientId, until },
                transaction,
                cancellationToken: ct
            )
        );
        if (changed == 0)
        {
            return null;
        }

        var row = await connection.QuerySingleAsync<CredentialRow>(
            new CommandDefinition(
                $"SELECT id AS ClientId, {RowColumns} FROM clients WHERE id = @clientId",
                new { clientId },
                transaction,
                cancellationToken: ct
            )
        );
        await transaction.CommitAsync(ct);
        var credential = LinkCredential
            .Derive(_masterKey, clientId, row.Generation, row.Salt)
            .WithServerKeys(Keys.Public);
        return new IssuedCredential(clientId, row.Generation, credential.Encode(), row.PreviousUntil);
    }

    /// <summary>
    /// Ends every credential of the client now, the current one included: its live links are closed
    /// (<c>CredentialWatch</c>), and none opens again until a rotation issues a new one. False when
    /// there is no such client.
    /// </summary>
    public async Task<bool> RevokeAsync(long clientId, CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE clients SET credential_generation = credential_generation + 1, previous_credential_until = NULL, credentials_changed_at = UTC_TIMESTAMP(6) WHERE id = @clientId",
                    new { clientId },
                    cancellationToken: ct
                )
            ) > 0;
    }

    /// <summary>
    /// The credentials of clients that changed in the last <paramref name="window"/>, by MySQL's clock (the
    /// instances' clocks need not agree); each instance reads them every second to close links that no longer
    /// have a valid credential.
    /// </summary>
    public async Task<IReadOnlyList<(long ClientId, CredentialValidity Validity)>> ChangedWithinAsync(
        TimeSpan window,
        CancellationToken ct
    )
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<CredentialRow>(
            new CommandDefinition(
                $"SELECT id AS ClientId, {RowColumns} FROM clients WHERE credentials_changed_at > UTC_TIMESTAMP(6) - INTERVAL @seconds SECOND",
                new { seconds = (int)window.TotalSeconds },
                cancellationToken: ct
            )
        );
        return [.. rows.Select(r => (r.ClientId, new CredentialValidity(r.Generation, r.PreviousUntil)))];
    }

    /// <summary>The credentials of these clients now (those still registered).</summary>
    public async Task<IReadOnlyList<(long ClientId, CredentialValidity Validity)>> OfAsync(
        IReadOnlyCollection<long> clientIds,
        CancellationToken ct
    )
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<CredentialRow>(
            new CommandDefinition(
                $"SELECT id AS ClientId, {RowColumns} FROM clients WHERE id IN @clientIds",
                new { clientIds },
                cancellationToken: ct
            )
        );
        return [.. rows.Select(r => (r.ClientId, new CredentialValidity(r.Generation, r.PreviousUntil)))];
    }

    /// <summary>
    /// The credential to run the handshake with, for the generation the client says it holds:
    /// the current one, the one before while its overlap lasts, or a newer one (a database
    /// restored from an older backup; only a client that really holds it can prove it). Anything
    /// else is refused with what to do about it.
    /// </summary>
    public async Task<HandshakeCredential> ForHandshakeAsync(long clientId, HelloFrame hello, CancellationToken ct)
    {
        if (hello.ClientId != clientId)
        {
            throw new CredentialRefusedException(
                $"The daemon at this address holds the credential of client {hello.ClientId}, not of client {clientId}: give it client {clientId}'s credential, or correct the address."
            );
        }

        var row = await _lookups.CallAsync(clientId, ct)
            ?? throw new CredentialRefusedException($"Client {clientId} is no longer registered.");

        var validity = new CredentialValidity(row.Generation, row.PreviousUntil);
        if (validity.Refusal(hello.Generation, _time.GetUtcNow().UtcDateTime) is { } refusal)
        {
            throw new CredentialRefusedException(
                $"{refusal}: give client {clientId} the current credential (POST /clients/{clientId}/credentials issues one)."
            );
        }

        var news = row.InUse != hello.Generation || hello.Generation > row.Generation;
        return new HandshakeCredential(
            LinkCredential.Derive(_masterKey, clientId, hello.Generation, row.Salt),
            news,
            validity
        );
    }

    /// <summary>
    /// Remembers which generation the client proved it holds (how an operator sees a rotation has
    /// reached it). A newer generation than the database knows becomes the current one. Called
    /// only when that changed (<see cref="HandshakeCredential.IsNews"/>).
    /// </summary>
    public Task RecordUseAsync(long clientId, int generation, CancellationToken ct) =>
        _uses.CallAsync((clientId, generation), ct);

    public void Dispose()
    {
        _lookups.Dispose();
        _uses.Dispose();
    }

    private async Task<IReadOnlyList<CredentialRow?>> LookUpAsync(IReadOnlyList<long> clientIds)
    {
        await using var connection = await _db.OpenConnectionAsync();
        var rows = (
            await connection.QueryAsync<CredentialRow>(
                new CommandDefinition(
                    $"SELECT id AS ClientId, {RowColumns} FROM clients WHERE id IN @clientIds",
                    new { clientIds }
                )
            )
        ).ToDictionary(r => r.ClientId);
        return clientIds.Select(id => rows.GetValueOrDefault(id)).ToList();
    }

    private async Task<IReadOnlyList<bool>> RecordUsesAsync(IReadOnlyList<(long ClientId, int Generation)> uses)
    {
        // One round trip for the group: a statement per client, its values as parameters.
        var sql = new StringBuilder();
        var parameters = new DynamicParameters();
        for (var i = 0; i < uses.Count; i++)
        {
            // MySQL assigns left to right: the overlap is judged against the generation before this update.
            sql.Append(
                CultureInfo.InvariantCulture,
                $"""
                UPDATE clients
                SET credentials_changed_at = CASE WHEN credential_generation < @g{i} THEN UTC_TIMESTAMP(6) ELSE credentials_changed_at END,
                    previous_credential_until = CASE WHEN credential_generation < @g{i} THEN NULL ELSE previous_credential_until END,
                    credential_generation = GREATEST(credential_generation, @g{i}),
                    credential_in_use = @g{i}
                WHERE id = @c{i};
                """
            );
            parameters.Add($"c{i}", uses[i].ClientId);
            parameters.Add($"g{i}", uses[i].Generation);
        }

        await using var connection = await _db.OpenConnectionAsync();
        await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters));
        return uses.Select(_ => true).ToList();
    }

    internal sealed record CredentialRow(
        long ClientId,
        int Generation,
        byte[] Salt,
        DateTime? PreviousUntil,
        int? InUse
    );
}
