// Package network runs the trained denoisers of Kamb & Ganguli (ICML 2025)
// for inference: the convolutional backbones MinimalResNet and MinimalUNet
// of the authors' public code, which predict the noise eps of a noisy image
// x_t = a(t) x_0 + b(t) eta (SPEC.md, "Trained networks"); the denoised
// estimate is D = (x - b(t) eps) / a(t).
//
// # Architectures
//
// Both follow the authors' models.py (Kambm/convolutional_diffusion, read
// for the details issue 12 leaves open: module names, where each embedding
// Linear projects to, last_norm):
//
//   - The embedding of t is sinusoidal: with d = emb_dim/2, the arguments
//     t / 10000^(j/(d-1)) for j < d, their sines then their cosines; a
//     conditional network adds a learned class vector (nn.Embedding).
//   - MinimalResNet: up_projection (Conv, channels -> emb_dim); num_layers
//     times state += convs[i](state + embs[i](e)), where embs[i] is Linear
//     -> GroupNorm(8) -> ReLU and convs[i] is Conv -> [GroupNorm(8)] ->
//     ReLU; with add_one a last state += embs[num_layers](e), else state +=
//     state; down_projection ([GroupNorm(8)] then Conv emb_dim -> channels,
//     kernel lastksize).
//   - MinimalUNet: UBlock(in, out) = two Conv -> [GroupNorm(min(32, out))]
//     -> ReLU applied to x + Linear(ReLU(e)) (the Linear projects to in
//     channels); encoder blocks with 2x2 max-pooling, a bottleneck, then per
//     level ConvTranspose2d(2, stride 2), concatenation [skip, up] and a
//     decoder UBlock (kernel 3 whatever kernel_size is, as in the authors'
//     code); finally x + Linear(ReLU(e)) to fsizes[0] channels, GroupNorm
//     when last_norm (and normalization), and output_conv (kernel lastksize).
//
// Every convolution pads 'same' with zeros or circularly. The forward pass is
// float32, batched, and spread over the CPU's cores; convolutions are im2col
// plus a blocked GEMM whose micro-kernel is AVX-512, AVX2+FMA or pure Go,
// chosen at start-up like the ELS kernels and forced with
// MOSAIC_KERNEL=go|avx2|avx512 or SetKernel.
//
// # Checkpoints
//
// Load reads three formats, told apart by their content:
//
//   - torch.save(model) of a MinimalResNet or MinimalUNet (or of a module
//     holding one as .backbone, like the authors' DDIM wrapper), the form of
//     the authors' published files (backbone_MNIST_ResNet_zeros.pt): class
//     names and hyper-parameters come from the pickled modules, tensors from
//     the archive. No Python is needed.
//   - torch.save(model.state_dict()) .pt files, and
//   - safetensors files (F32, F64, F16 or BF16 weights),
//
// the last two with their hyper-parameters in a JSON side file: the
// checkpoint's path with its extension replaced by .json (net.pt and
// net.safetensors both read net.json). SaveSafetensors writes this pair
// (and copies the JSON into the safetensors metadata).
//
// # JSON side file
//
// The keys are the constructor arguments of the authors' classes:
//
//	{
//	  "arch": "resnet",           // "resnet" (MinimalResNet) or "unet" (MinimalUNet)
//	  "channels": 1,              // image channels
//	  "emb_dim": 128,             // embedding width (the ResNet's layer width; a multiple of 8)
//	  "mode": "zeros",            // padding: "zeros" or "circular"
//	  "normalization": null,      // null or "GroupNorm"
//	  "conditional": false,       // class-conditional?
//	  "num_classes": 0,           // classes of a conditional network
//	  "kernel_size": 3,           // hidden convolutions (default 3)
//	  "lastksize": 1,             // last convolution (default 1)
//	  "num_layers": 6,            // resnet: residual layers
//	  "add_one": true,            // resnet: last embedding added (default true)
//	  "fsizes": [32, 64, 128],    // unet: widths per level, finest first
//	  "last_norm": false,         // unet: GroupNorm before output_conv
//	  "image_size": 32            // optional: side of the training images
//	}
//
// Keys of the other architecture are ignored, unknown keys too. Tensor names
// are those of the PyTorch state_dict ("up_projection.weight",
// "embs.0.0.weight", "feature_blocks.0.model.0.weight", ...); every tensor
// the hyper-parameters call for must be present with its exact shape, and no
// other.
//
// Corrupt or unexpected input is an error naming what was found and what is
// supported; the loaders do not panic and allocate no more than the file
// size justifies (see FuzzLoad).
package network
