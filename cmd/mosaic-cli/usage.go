package main

// The usage texts are the documentation of the command-line contract.

const mainUsage = `mosaic-cli: equivariant local score machines (Kamb & Ganguli) from the command line

Usage:
  mosaic-cli sample   --train PATH | --dataset mnist|fashion|hands  --noise Z.npy | --seed S
                      --machine ideal|ls|els|wiener|pca-locality --boundary zeros|circular|reflect
                      (or --machine network --net CHECKPOINT; data flags then optional)
                      --patch K | --schedule k0,...,k(N-1) | --preset NAME  [--steps N]
                      [--frames F.npy] [--denoised D.npy] [--png OUT.png]
  mosaic-cli weights  (data and machine flags) --x X.npy --t T --patch K --pixel ROW,COL [--top K]
  mosaic-cli denoise  (data and machine flags, or --machine network --net NET) --x X.npy --t T [--patch K] --out D.npy
  mosaic-cli compare  --net NET (data flags) [--machines els,ls,ideal,wiener,pca-locality] [--boundary B,...]
                      --preset NAME | --schedule ... | --patch K  [--seeds 1-16] [--csv OUT.csv] [--plot OUT.png]
  mosaic-cli calibrate --net NET (data flags) --machine els|ls --boundary B [--seeds 1-8] [--kmax K] [--save NAME]
  mosaic-cli presets
  mosaic-cli networks
  mosaic-cli train    (data flags) --out NET.safetensors [--width 32 --layers 6 --padding zeros|circular --steps N] [--resume NET]
  mosaic-cli bench    [--quick]
  mosaic-cli fingers  [--dataset hands] --machine els --boundary zeros --preset NAME | --schedule ... | --patch K
                      --samples S --seed S0 [--csv OUT.csv] [--png OUT.png]
                      [--late-patch 3,5,7,9] [--late-steps N] [--plot OUT.png]
  mosaic-cli help [COMMAND]

Run "mosaic-cli COMMAND -h" for the flags of a command.
Exit status: 0 success, 1 failure (bad file, machine error), 2 usage error.
`

const dataUsage = `Training data (one of --train or --dataset):
  --train PATH        training images: a .npy file ([M,H,W], [M,C,H,W] or [M,H,W,C];
                      uint8 is scaled v/127.5-1, floats must lie in [-1,1]),
                      an IDX file (raw or .gz) or a folder of PNG/JPEG images
  --labels L          labels for --train: a .npy or IDX file of M integers
  --dataset NAME      a built-in data set: mnist, fashion or hands
  --size S            image size of --dataset (default 32, the paper's size;
                      28 is the native size of mnist and fashion; hands: 32 or 64)
  --limit M           keep only the first M images (of --class, when given); 0 = all
  --class L           class-conditional: keep only the images with label L
`

const machineUsage = `Machine:
  --machine NAME      ideal (memorises), ls (local score), els (equivariant local score),
                      wiener (the Gaussian posterior mean of the training set's mean and
                      covariance) or pca-locality (Lukoianov et al. 2025: neighbourhoods
                      read off the Wiener filter) (default els)
  --boundary NAME     zeros (the paper's boundary-broken ELS), circular, or reflect
                      (reflect and LS with circular/reflect are Mosaic's extensions)
                      (default zeros; ignored by ideal, wiener and pca-locality)
  --tau T             pca-locality: a value q is in p's neighbourhood when |G[q,p]| is at
                      least T times the largest |G| (default 0.02)
  --temperature T     pca-locality: divides the logits (default 1)
  --net NAME|PATH     network: a built-in network (mosaic-cli networks) or a trained MinimalResNet/MinimalUNet checkpoint (torch.save
                      of the module, or a state_dict .pt / .safetensors with a .json of
                      its hyper-parameters beside it). Without --train/--dataset the image
                      shape comes from --noise, --size, or the size the checkpoint records;
                      --class L selects the class of a conditional network.
`

const scheduleUsage = `Patch-size schedule (exactly one; none for --machine ideal, wiener, pca-locality, network):
  --patch K           a constant patch size K (odd, e.g. 3 or 5)
  --schedule LIST     one odd size per step, k0,k1,...,k(N-1) (entry i is used at
                      t = i/N; entry 0 is never used); exactly --steps entries
  --preset NAME       one of the paper's calibrated schedules (see mosaic-cli presets);
                      resampled by time when --steps is not 20
  --steps N           number of sampler steps (default 20)
`

const sampleUsage = `Usage: mosaic-cli sample (data, machine and schedule flags) --noise Z.npy | --seed S [outputs]

Runs the deterministic DDIM sampler of SPEC.md from the given noise down to a
final image and prints a summary (including the nearest training image).

` + dataUsage + `
` + machineUsage + `
` + scheduleUsage + `
Noise (exactly one):
  --noise Z.npy       initial noise x_{N-1}, shape [C,H,W] or [1,C,H,W] (the data's shape)
  --seed S            draw standard normal noise from seed S (an integer >= 0)

Outputs:
  --frames F.npy      float32 [N,C,H,W]: x_{N-1}, ..., x_0 (in that order)
  --denoised D.npy    float32 [N-1,C,H,W]: D_{N-1}, ..., D_1
  --png OUT.png       the final image, upscaled with nearest neighbour
  --scale F           PNG upscaling factor (default 8)
  --quiet             no progress lines on stderr

Example:
  mosaic-cli sample --dataset mnist --limit 1000 --seed 7 --machine els --boundary zeros \
      --preset mnist-resnet-zeros --png out.png --frames frames.npy
`

const weightsUsage = `Usage: mosaic-cli weights (data and machine flags) --x X.npy --t T --patch K --pixel ROW,COL [--top K]

Prints, as JSON, the weights w_p(mu, q) behind pixel p of the denoiser at the
noisy image x and time t: {"effective": E, "top": [{"image": mu, "row": r,
"col": c, "weight": w}, ...], ...}, heaviest first.

` + dataUsage + `
` + machineUsage + `
Query:
  --x X.npy           the noisy image x, shape [C,H,W] or [1,C,H,W]
  --t T               the time, 0 < T <= 1 (e.g. 0.5)
  --patch K           the patch size (odd; not needed for ideal and pca-locality)
  --pixel ROW,COL     the pixel p, counted from 0 at the top left
  --top K             how many of the heaviest candidates to list (default 10)
`

const presetsUsage = `Usage: mosaic-cli presets

Lists the paper's ten calibrated patch-size schedules (N = 20 steps, 32x32):
name (for --preset), title and k0,...,k19.
`

const benchUsage = `Usage: mosaic-cli bench [--quick]

Measures the score machines against the speed targets and prints a table.
  --quick             only the small configurations
`

const fingersUsage = `Usage: mosaic-cli fingers (data, machine and schedule flags) --samples S --seed S0 [outputs]

Samples S images with seeds S0, S0+1, ... and counts the fingers of each final
image (a normal hand has 5). Reports the distribution of counts, including
images the counter cannot tell, and the fraction not five. With --late-patch,
also re-runs the low-noise steps of every sample with each given patch size
and reports how the rate of wrong counts changes.

` + dataUsage + `  (default: --dataset hands)

` + machineUsage + `
` + scheduleUsage + `
Samples:
  --samples S         number of samples (default 20)
  --seed S0           seed of the first sample (default 1)

Late-step sweep:
  --late-patch LIST   odd patch sizes, e.g. 3,5,7,9: each in turn replaces the
                      patch size of the last --late-steps steps
  --late-steps N      how many low-noise steps (steps 1..N) to override
                      (default: the steps with t <= 0.25, i.e. 5 of 20)

Network against a theory:
  --versus MACHINE    with --machine network --net NET: also sample MACHINE (els, ls,
                      ideal, wiener or pca-locality, with --boundary and the schedule
                      flags, which then belong to it) from the same seeds; report both
                      not-five rates, a 2x2 table of five / not five per seed, and
                      MACHINE's r^2 per step along the network's own trajectories

Outputs:
  --csv OUT.csv       one row per sample: seed,fingers,nearest_distance,...,machine
                      (fingers is empty when the counter cannot tell; with
                      --late-patch or --versus one row per sample and configuration)
  --png OUT.png       contact sheet of the samples with each count as a badge
  --scale F           contact sheet upscaling factor (default 4)
  --plot OUT.png      chart of the not-five rate against the late patch size
                      (needs --late-patch)
  --quiet             no progress lines on stderr

Example:
  mosaic-cli fingers --dataset hands --limit 200 --machine els --boundary zeros \
      --preset mnist-resnet-zeros --samples 20 --seed 1 --late-patch 3,5,7,9 --plot rate.png
`
