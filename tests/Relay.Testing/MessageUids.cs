namespace Relay.Testing;

/// <summary>Message uids for frames a test writes by hand: one per id, so sending an id again is a
/// redelivery.</summary>
public static class MessageUids
{
    public static string For(long id) => id.ToString("x32");
}
