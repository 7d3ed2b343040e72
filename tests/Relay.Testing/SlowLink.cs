using System.Net;
using System.Net.Sockets;

namespace Relay.Testing;

/// <summary>
/// A site behind a slow line: a TCP relay in front of a client daemon that carries at most
/// <c>bytesPerSecond</c> towards it (answers travel back at full speed). Its small buffers make
/// the sender feel the line, as a real one would.
/// </summary>
public sealed class SlowLink : IAsyncDisposable
{
    private const int Tick = 50;

    private readonly TcpListener _listener = new(IPAddress.Loopback, FreePort.Next());
    private readonly CancellationTokenSource _stop = new();
    private readonly int _targetPort;
    private readonly int _bytesPerTick;
    private readonly Task _accepting;

    public SlowLink(int targetPort, int bytesPerSecond)
    {
        (_targetPort, _bytesPerTick) = (targetPort, Math.Max(1, bytesPerSecond * Tick / 1000));
        _listener.Server.ReceiveBufferSize = 4096;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        var pumps = new List<Task>();
        try
        {
            while (true)
            {
                var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                var outbound = new TcpClient();
                await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                pumps.Add(PumpAsync(inbound, outbound, _bytesPerTick));
                pumps.Add(PumpAsync(outbound, inbound, int.MaxValue));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }

        await Task.WhenAll(pumps);
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, int bytesPerTick)
    {
        var buffer = new byte[Math.Min(bytesPerTick, 64 * 1024)];
        try
        {
            while (true)
            {
                var read = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                if (bytesPerTick != int.MaxValue)
                {
                    await Task.Delay(Tick, _stop.Token);
                }
            }
        }
        catch (Exception e)
            when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
