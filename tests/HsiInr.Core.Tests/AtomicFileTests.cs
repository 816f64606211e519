using System.Diagnostics;
using HsiInr.Core.IO;

namespace HsiInr.Core.Tests;

/// <summary>AtomicFile's temp files: clearly named, and the ones a killed writer left are removed by the next write.</summary>
public class AtomicFileTests
{
    private static string Temp(TempDir dir, string target, int pid) =>
        dir.File($"{AtomicFile.TempPrefix(dir.File(target))}{pid}-0123456789ab.tmp");

    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id; // reaped: no process has this id now (reuse within the test is vanishingly unlikely)
    }

    [Fact]
    public void Temp_names_are_hidden_end_in_tmp_and_name_the_target_and_process()
    {
        using var dir = new TempDir();
        string seen = "";
        AtomicFile.Write(dir.File("scene.hsiinr"), false, s =>
        {
            seen = Path.GetFileName(((FileStream)s).Name);
            s.WriteByte(1);
        });
        Assert.Matches($@"^\.scene\.hsiinr~hsiinr-{Environment.ProcessId}-[0-9a-f]{{12}}\.tmp$", seen);
        Assert.Equal(["scene.hsiinr"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void The_next_write_removes_old_temps_of_dead_processes_only()
    {
        using var dir = new TempDir();
        int dead = DeadPid();
        string stale = Temp(dir, "a.mat", dead);
        string recent = Temp(dir, "a.mat", dead + 1_000_000);          // no such process, but written just now
        string live = Temp(dir, "a.mat", Environment.ProcessId);        // this process: still running
        string other = Temp(dir, "b.mat", dead);                        // another target's
        foreach (var f in new[] { stale, recent, live, other }) File.WriteAllText(f, "partial");
        var old = DateTime.UtcNow - AtomicFile.StaleAfter - TimeSpan.FromMinutes(1);
        foreach (var f in new[] { stale, live, other }) File.SetLastWriteTimeUtc(f, old);

        AtomicFile.Write(dir.File("a.mat"), false, s => s.WriteByte(7));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.Equal([7], File.ReadAllBytes(dir.File("a.mat")));
    }

    [Fact]
    public void A_failed_write_leaves_neither_target_nor_temp()
    {
        using var dir = new TempDir();
        Assert.Throws<IOException>(() => AtomicFile.Write(dir.File("x.bin"), false, s => { s.WriteByte(1); throw new IOException("disk full"); }));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Long_target_names_still_give_a_valid_temp_name()
    {
        using var dir = new TempDir();
        string name = new string('é', 120) + ".hsiinr"; // 247 bytes in UTF-8
        AtomicFile.Write(dir.File(name), false, s => s.WriteByte(1));
        Assert.True(File.Exists(dir.File(name)));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(AtomicFile.TempPrefix(dir.File(name))) < 200);
    }
}
