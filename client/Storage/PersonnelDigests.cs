using Microsoft.Data.Sqlite;
using Relay.Contracts.Digest;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Client.Storage;

/// <summary>Answers the server's digest requests from the personnel table, in one read transaction.</summary>
internal static class PersonnelDigests
{
    public static async Task<DigestReplyFrame> DescribeAsync(
        SqliteConnection connection,
        DigestRequestFrame request,
        CancellationToken ct
    )
    {
        // One statement reads one snapshot (WAL), whatever is written meanwhile.
        await using var command = Sqlite.Command(
            connection,
            null,
            request.ExpiredBy is null
                ? $"SELECT {Sqlite.PersonnelColumns} FROM personnel ORDER BY id"
                : $"SELECT {Sqlite.PersonnelColumns} FROM personnel WHERE valid_until IS NULL OR valid_until > $expiredBy ORDER BY id"
        );
        if (request.ExpiredBy is { } expiredBy)
        {
            command.Parameters.AddWithValue("$expiredBy", ValidityWindow.ToUnixSeconds(expiredBy));
        }

        await using var reader = await command.ExecuteReaderAsync(ct);

        var listed = request.ListBuckets?.ToHashSet();
        var summaries = listed is null ? new BucketSummaries(request.Buckets) : null;
        var rows = new List<(long, ulong)>();
        long count = 0;
        while (await reader.ReadAsync(ct))
        {
            count++;
            var row = Sqlite.ReadPersonnel(reader);
            if (summaries is not null)
            {
                summaries.Add(row.Id, PersonnelDigest.RowHash(row));
            }
            else if (listed!.Contains(PersonnelDigest.BucketOf(row.Id, request.Buckets)))
            {
                rows.Add((row.Id, PersonnelDigest.RowHash(row)));
            }
        }

        return summaries is not null
            ? new DigestReplyFrame(count, BucketSummaries: summaries.Encode())
            : new DigestReplyFrame(count, RowHashes: RowHashes.Encode(rows));
    }

    /// <summary>Why a request cannot be answered, or null.</summary>
    public static string? Validate(DigestRequestFrame request)
    {
        if (!PersonnelDigest.IsValidBucketCount(request.Buckets))
        {
            return $"buckets must be a power of two from 1 to {PersonnelDigest.MaxBuckets}.";
        }

        if (
            request.ListBuckets is { } listed
            && (listed.Count > request.Buckets || listed.Any(b => b < 0 || b >= request.Buckets))
        )
        {
            return "listBuckets must name buckets from 0 to buckets - 1.";
        }

        return null;
    }
}
