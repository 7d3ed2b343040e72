using MySqlConnector;

namespace Relay.Server.Outbox;

/// <summary>
/// InnoDB may pick a transaction as a deadlock victim (or time out its lock wait) under
/// concurrent load; the transaction was rolled back whole, so running it again is safe.
/// </summary>
internal static class Transactions
{
    private const int Attempts = 4;

    public static async Task<T> RetryDeadlocksAsync<T>(Func<Task<T>> transaction)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction();
            }
            catch (MySqlException e) when (attempt < Attempts && e.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout)
            {
                await Task.Delay(Random.Shared.Next(5, 20 * attempt));
            }
        }
    }

    public static Task RetryDeadlocksAsync(Func<Task> transaction) =>
        RetryDeadlocksAsync(async () =>
        {
            await transaction();
            return true;
        });
}
