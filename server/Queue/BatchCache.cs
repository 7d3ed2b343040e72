using System.Text;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Server.Outbox;

namespace Relay.Server.Queue;

/// <summary>
/// The payloads of shared batches (a broadcast's snapshot), read from MySQL once per instance
/// while clients are being sent them, not once per client. Bounded in bytes
/// (<see cref="OutboxOptions.BatchCacheBytes"/>): past it the least recently used go, and are
/// read again if still needed. Held as UTF-8, as sent: encoded once, not once per client.
/// </summary>
internal sealed class BatchCache(IOptions<OutboxOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.BatchCacheBytes });

    /// <summary>The payloads of these batches, from memory where held, the rest with one query.</summary>
    public async Task<IReadOnlyDictionary<long, byte[]>> GetAsync(
        MySqlConnection connection,
        IEnumerable<long> batchIds,
        CancellationToken ct
    )
    {
        var found = new Dictionary<long, byte[]>();
        var missing = new List<long>();
        foreach (var id in batchIds.Distinct())
        {
            if (_cache.TryGetValue(id, out byte[]? payload))
            {
                found[id] = payload!;
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count > 0)
        {
            var rows = await connection.QueryAsync<(long Id, string Payload)>(
                new CommandDefinition(
                    "SELECT id, payload FROM batches WHERE id IN @missing",
                    new { missing },
                    cancellationToken: ct
                )
            );
            foreach (var (id, json) in rows)
            {
                var payload = Encoding.UTF8.GetBytes(json);
                found[id] = payload;
                _cache.Set(
                    id,
                    payload,
                    new MemoryCacheEntryOptions { Size = payload.Length, SlidingExpiration = TimeSpan.FromMinutes(5) }
                );
            }
        }

        return found;
    }

    public void Dispose() => _cache.Dispose();
}
